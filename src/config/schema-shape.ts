/**
 * Read-only questions about the shape of a zod schema at a config path: which keys an object allows (to name them
 * when a key is misspelt) and which scalar types a value may take (to type a `${VAR}` taken from the environment).
 */
import { z } from 'zod';

export type PathSegment = string | number;
export type ScalarKind = 'string' | 'number' | 'boolean';

/** Strips wrappers that do not change what a schema accepts: optional, nullable, defaults, and pipes (transforms). */
function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodNullable) current = current.unwrap();
    else if (current instanceof z.ZodDefault || current instanceof z.ZodPrefault) current = current.unwrap();
    else if (current instanceof z.ZodPipe) current = current.in;
    else return current;
  }
}

/** The schema that validates the value at `path`, or undefined when the path is not part of the schema. */
export function schemaAt(root: z.core.$ZodType, path: readonly PathSegment[]): z.core.$ZodType | undefined {
  let current: z.core.$ZodType | undefined = root;
  for (const segment of path) {
    const schema: z.core.$ZodType = unwrap(current);
    if (schema instanceof z.ZodObject) {
      const shape: Record<string, z.core.$ZodType> = schema.shape;
      current = typeof segment === 'string' && Object.hasOwn(shape, segment) ? shape[segment] : undefined;
    } else if (schema instanceof z.ZodArray) {
      current = typeof segment === 'number' ? schema.element : undefined;
    } else if (schema instanceof z.ZodRecord) {
      current = schema.valueType;
    } else {
      return undefined;
    }
    if (current === undefined) return undefined;
  }
  return current;
}

/** The keys an object schema at `path` allows, in declaration order; undefined when there is no object there. */
export function allowedKeys(root: z.core.$ZodType, path: readonly PathSegment[]): string[] | undefined {
  const schema = schemaAt(root, path);
  if (schema === undefined) return undefined;
  const object = unwrap(schema);
  return object instanceof z.ZodObject ? Object.keys(object.shape) : undefined;
}

/** The scalar types a schema accepts (a union accepts the types of all its options). */
export function scalarKinds(schema: z.core.$ZodType): Set<ScalarKind> {
  const inner = unwrap(schema);
  if (inner instanceof z.ZodUnion) {
    const options: readonly z.core.$ZodType[] = inner.options;
    return new Set(options.flatMap((option) => [...scalarKinds(option)]));
  }
  if (inner instanceof z.ZodString || inner instanceof z.ZodEnum) return new Set(['string']);
  if (inner instanceof z.ZodNumber) return new Set(['number']);
  if (inner instanceof z.ZodBoolean) return new Set(['boolean']);
  if (inner instanceof z.ZodLiteral) {
    const values: readonly unknown[] = [...inner.values];
    return new Set(values.map((value) => typeof value).filter((kind): kind is ScalarKind => kind === 'string' || kind === 'number' || kind === 'boolean'));
  }
  return new Set();
}
