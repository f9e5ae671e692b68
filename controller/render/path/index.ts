// Field paths: one parser for every place a Katalog names a field of a custom resource (conditions,
// validation and mutation rules, status fields, forEach), and the reads and writes that follow
// them without ever touching a prototype. Parse when the Katalog loads; read and write per reconcile.
export {
  type FieldPath,
  FieldPathError,
  formatFieldPath,
  type PathSegment,
  parseFieldPath,
  RESERVED_SEGMENTS,
} from './parse.ts';
export { readPath } from './read.ts';
export { setPath } from './write.ts';
