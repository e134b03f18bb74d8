// The effective policy: shipped defaults, then managed policy, then the user's stricter settings.
// (Placeholder: the enterprise-deployment work fills this in.)
//
// Contract with the rest of the extension: the effective policy is kept in storage.local under
// `effectivePolicy` = { policy, errors, sources, version, updatedAt }; core pages read it and
// follow storage.onChanged. Message types handled here start with `policy.`.
export const policyHandlers = {};
