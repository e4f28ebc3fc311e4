// npm run hash-password — reads a password from standard input (not the command line, which
// shell history keeps) and prints its scrypt hash for a VIGIL_LOCAL_USERS entry.
import { hashPassword } from '../identity/index.js';

const chunks: Buffer[] = [];
process.stderr.write('password (then Enter, Ctrl-D): ');
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const password = Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
if (password.length < 12) {
  console.error('\nuse at least 12 characters');
  process.exit(2);
}
console.log(`\n${await hashPassword(password)}`);
console.log('VIGIL_LOCAL_USERS entry: <name>:<role[+role]>:<the hash above>');
