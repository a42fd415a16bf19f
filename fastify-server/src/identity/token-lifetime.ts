export interface LifetimeRules {
  /** The longest an identity token may be valid for, counted from now (and from its `iat` when it has one). */
  maxAgeMs: number;
  /** Clock skew tolerated between the site and this server, on every time claim. */
  clockToleranceMs: number;
}

/**
 * Why a signature-checked token's time claims are unacceptable, or null. The verifier has already refused an
 * expired token or one not yet valid (`nbf`); this caps how long a token may be used: a token minted for years
 * (`exp` far ahead, `exp: 1e308`) or dated in the future (`iat`) would be a long-lived credential if it leaked.
 */
export function lifetimeProblem(claims: Record<string, unknown>, nowMs: number, rules: LifetimeRules): string | null {
  const { exp, iat } = claims;
  const { maxAgeMs, clockToleranceMs } = rules;
  const maxSeconds = Math.round(maxAgeMs / 1000);
  if (typeof exp !== 'number' || !Number.isFinite(exp)) return 'is not valid: "exp" must be a number of seconds';
  if (exp * 1000 > nowMs + maxAgeMs + clockToleranceMs)
    return `is not valid: it expires too far ahead (the longest lifetime accepted is ${maxSeconds} s)`;
  if (iat === undefined) return null;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) return 'is not valid: "iat" must be a number of seconds';
  if (iat * 1000 > nowMs + clockToleranceMs) return 'is not valid: it is issued in the future ("iat")';
  if ((exp - iat) * 1000 > maxAgeMs + clockToleranceMs)
    return `is not valid: its lifetime ("exp" − "iat") is longer than ${maxSeconds} s`;
  return null;
}
