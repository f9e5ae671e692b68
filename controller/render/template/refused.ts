/**
 * Sprig and Helm functions a Katalog template may not call, each with the reason the compiler
 * gives. A controller renders a box's templates again on every reconcile: a result that changes
 * between calls would rewrite the children forever, and a template must not reach the controller's
 * environment, files, network or cluster.
 */
const CHANGES =
  'its result changes on every call, and a controller re-renders on every reconcile, so the children would be rewritten forever';
const TIME =
  'it reads the clock; a controller re-renders on every reconcile, so the children would be rewritten forever';
const LOCAL_ZONE = "it formats in the controller's local time zone, which templates must not depend on";
const TIME_VALUE = 'it takes a time value, and time values come only from now and toDate, which are refused';
const ENVIRONMENT = "templates must not read the controller's environment";
const NETWORK = 'templates must not reach the network (and a DNS answer changes between calls)';
const RANDOM_KEY =
  'it generates a new key or certificate on every call, and a controller re-renders on every reconcile, so the children would be rewritten forever; create the Secret once (cert-manager, or a Secret you apply)';
const RANDOM_SALT =
  'it uses a random salt, so its result changes on every call and the children would be rewritten forever';
const SCRYPT =
  'it runs scrypt with 32 MiB of memory and about 0.1 s of CPU on every call, and a controller re-renders on every reconcile; put the derived password in a Secret';
const DATE_NOT_YET =
  'formatting unix seconds in a named zone is deterministic, but Go time layouts are not implemented yet';
const HELM = 'it needs a Helm chart (templates, files or the cluster), which a Katalog does not have';

export const REFUSED: ReadonlyMap<string, string> = new Map([
  ['now', TIME],
  ['ago', TIME],
  ['date', LOCAL_ZONE],
  ['date_in_zone', DATE_NOT_YET],
  ['dateInZone', DATE_NOT_YET],
  ['date_modify', TIME_VALUE],
  ['dateModify', TIME_VALUE],
  ['must_date_modify', TIME_VALUE],
  ['mustDateModify', TIME_VALUE],
  ['htmlDate', LOCAL_ZONE],
  ['htmlDateInZone', DATE_NOT_YET],
  ['toDate', LOCAL_ZONE],
  ['mustToDate', LOCAL_ZONE],
  ['unixEpoch', TIME_VALUE],
  ['durationRound', TIME],
  ['randAlphaNum', CHANGES],
  ['randAlpha', CHANGES],
  ['randAscii', CHANGES],
  ['randNumeric', CHANGES],
  ['randBytes', CHANGES],
  ['randInt', CHANGES],
  ['shuffle', CHANGES],
  ['uuidv4', CHANGES],
  ['env', ENVIRONMENT],
  ['expandenv', ENVIRONMENT],
  ['getHostByName', NETWORK],
  ['genPrivateKey', RANDOM_KEY],
  ['genCA', RANDOM_KEY],
  ['genCAWithKey', RANDOM_KEY],
  ['genSelfSignedCert', RANDOM_KEY],
  ['genSelfSignedCertWithKey', RANDOM_KEY],
  ['genSignedCert', RANDOM_KEY],
  ['genSignedCertWithKey', RANDOM_KEY],
  ['buildCustomCert', RANDOM_KEY],
  ['bcrypt', RANDOM_SALT],
  ['htpasswd', RANDOM_SALT],
  ['encryptAES', RANDOM_SALT],
  ['derivePassword', SCRYPT],
  ['include', HELM],
  ['tpl', HELM],
  ['lookup', HELM],
]);
