import { parse } from 'yaml';
import { z } from 'zod';
import { listDefinitionSchema, type ListDefinition } from './schema.js';

/** Where the lists the default rule pack names ship; reading the file is the caller's (start-up's) I/O. */
export const DEFAULT_LISTS_URL = new URL('./packs/default.yaml', import.meta.url);

const listPackSchema = z.strictObject({ lists: z.array(listDefinitionSchema) });

/** The list definitions of a pack file; throws with every problem when it does not validate. */
export function parseListPack(text: string): ListDefinition[] {
  const parsed = listPackSchema.safeParse(parse(text, { uniqueKeys: true }));
  if (!parsed.success) throw new Error(`list pack is invalid:\n  ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n  ')}`);
  return parsed.data.lists;
}
