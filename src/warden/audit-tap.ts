/**
 * The audit store plugins write through: every denial is also handed to a listener (the
 * Warden's `denied` event, which the gateway streams).
 */
import type { AuditEntry, AuditStore } from '../storage/driver.js';

/** `audit`, with `onDeny` told about each denial once it is recorded. */
export function tapAudit(audit: AuditStore, onDeny: (entry: AuditEntry) => void): AuditStore {
  return {
    append: async (entry) => {
      const id = await audit.append(entry);
      if (entry.decision === 'deny') onDeny(entry);
      return id;
    },
    query: (q) => audit.query(q),
    prune: (before) => audit.prune(before),
  };
}
