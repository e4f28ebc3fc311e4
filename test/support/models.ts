import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { EXAMPLE_MODEL_URL } from '../../models/index.js';

/** The example fraud model's file (models/fraud-example.onnx). */
export const EXAMPLE_MODEL_PATH = fileURLToPath(EXAMPLE_MODEL_URL);
export const exampleModelBytes: Buffer = readFileSync(EXAMPLE_MODEL_PATH);

const modelType = protobuf.loadSync(fileURLToPath(new URL('../../models/onnx.proto', import.meta.url))).lookupType('onnx.ModelProto');

interface DecodedModel {
  metadataProps: { key: string; value: string }[];
}

/** The example model's file with one change made to its metadata (the trees are untouched, so it still reproduces its check rows). */
export function alteredModel(change: (props: DecodedModel['metadataProps']) => void): Uint8Array {
  const decoded = modelType.toObject(modelType.decode(exampleModelBytes), { longs: Number, arrays: true }) as DecodedModel;
  change(decoded.metadataProps);
  return modelType.encode(modelType.fromObject(decoded)).finish();
}

const setProp = (key: string, value: string) => (props: DecodedModel['metadataProps']) => {
  props.find((p) => p.key === key)!.value = value;
};

/** The example model under another declared version: the same scores, another file (another version id). */
export function exampleAsVersion(version: string): Uint8Array {
  return alteredModel(setProp('vigil.version', version));
}

/** The example model under another name (rules would read it as model.<name>). */
export function exampleAsName(name: string, version = 'renamed-1'): Uint8Array {
  return alteredModel((props) => {
    setProp('vigil.name', name)(props);
    setProp('vigil.version', version)(props);
  });
}

/** The example model reading a feature the engine does not compute (`new_payee_v2` for `new_payee`). */
export function exampleReadingUnknownFeature(): Uint8Array {
  return alteredModel((props) => {
    const features = props.find((p) => p.key === 'vigil.features')!;
    features.value = features.value.replace('"new_payee"', '"new_payee_v2"');
  });
}
