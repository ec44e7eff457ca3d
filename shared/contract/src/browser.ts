// @sinbin/contract/browser: the contract for code that runs in a browser (the moderator UI). Every
// type, and only the values that need no zod, so a bundle importing this carries no schema code.
export type * from './index';
export { CATEGORIES, OFFENCE_CATEGORIES, categoryScore } from './scorer';
export { API_ERRORS, API_ERROR_CODES, isApiErrorCode } from './api-errors';
export { diffPolicies, describeChange, effectivePolicy } from './policy-diff';
