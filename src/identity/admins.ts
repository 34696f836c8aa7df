/** Who is an administrator: bootstrap keys, and anyone in `identity.admins` by group or email. */
import type { IdentityConfig } from '../config/schema.js';

export class AdminRule {
  private readonly groups: ReadonlySet<string>;
  private readonly emails: ReadonlySet<string>;

  constructor(config: IdentityConfig['admins']) {
    this.groups = new Set(config.groups);
    this.emails = new Set(config.emails.map((email) => email.toLowerCase()));
  }

  isAdmin(identity: { email: string | undefined; groups: readonly string[] }): boolean {
    if (identity.email !== undefined && this.emails.has(identity.email.toLowerCase())) return true;
    return identity.groups.some((group) => this.groups.has(group));
  }
}
