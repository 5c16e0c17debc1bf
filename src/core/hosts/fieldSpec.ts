/**
 * The little type language the hosts-file tables (fields.ts) are written in. One table drives
 * three things, so they cannot drift: the validator (checkValue.ts), the JSON Schema (schema.ts),
 * and the editor's hover/completion text.
 *
 * A map field whose value is `null` (`ssh_key:` with nothing after it) counts as absent.
 */
interface SpecBase {
  /** Markdown-free prose shown on hover: what the field does, when it matters. */
  description: string;
  /** Used when the field is absent (documentation and schema `default`). */
  default?: string | number | boolean;
  /** How messages name the value instead of its path, e.g. `transport type`. */
  label?: string;
}

interface StringSpec extends SpecBase {
  kind: 'string';
}
interface BooleanSpec extends SpecBase {
  kind: 'boolean';
}
interface IntegerSpec extends SpecBase {
  kind: 'integer';
  min?: number;
  max?: number;
  /** Says "port" in messages and checks 1..65535. */
  port?: boolean;
}
interface NumberSpec extends SpecBase {
  kind: 'number';
  /** The value must be greater than this. */
  above?: number;
}
/** One of a fixed set of words. `unknown: 'warning'` keeps other words (shown, with a hint). */
export interface ChoiceSpec extends SpecBase {
  kind: 'choice';
  values: readonly string[];
  unknown: 'error' | 'warning';
  /** Diagnostic code for an unknown word, e.g. `unknown_transport`. */
  unknownCode: string;
  /** How messages list the known words: `known types`. */
  knownLabel: string;
  /** Said after the list when the word is unknown: what happens to the node. */
  unknownEffect?: string;
}
interface ListSpec extends SpecBase {
  kind: 'list';
  items: ValueSpec;
}
export interface MapSpec extends SpecBase {
  kind: 'map';
  fields: Readonly<Record<string, ValueSpec>>;
  /** Spec of values under other keys (e.g. each host under `hosts:`); absent: anything goes. */
  values?: ValueSpec;
  /** Keys that must be present. */
  required?: readonly string[];
}
/** Known but not checked: described for hover, any value accepted. */
interface AnySpec extends SpecBase {
  kind: 'any';
}

export type ValueSpec = StringSpec | BooleanSpec | IntegerSpec | NumberSpec | ChoiceSpec | ListSpec | MapSpec | AnySpec;
