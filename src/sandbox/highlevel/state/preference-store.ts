import type { CustomSubtypeRecord, SubscriptionStatus } from './records.js';

/** Custom subtypes per location and per-(contact, email) subscription statuses (Preference Management). */
export class PreferenceStore {
  private readonly subtypes = new Map<string, CustomSubtypeRecord>();
  private readonly subtypesByLocation = new Map<string, Map<string, CustomSubtypeRecord>>();
  /** key: location, contact, lower-cased email → (subscription key → status). Missing means subscribed. */
  private readonly statuses = new Map<string, Map<string, SubscriptionStatus>>();

  getSubtype(id: string): CustomSubtypeRecord | undefined {
    return this.subtypes.get(id);
  }

  subtypesIn(locationId: string): CustomSubtypeRecord[] {
    return [...(this.subtypesByLocation.get(locationId)?.values() ?? [])];
  }

  findSubtypeByName(locationId: string, name: string): CustomSubtypeRecord | undefined {
    const wanted = name.trim().toLowerCase();
    return this.subtypesIn(locationId).find((s) => s.name.trim().toLowerCase() === wanted);
  }

  addSubtype(subtype: CustomSubtypeRecord): void {
    this.subtypes.set(subtype.id, subtype);
    let local = this.subtypesByLocation.get(subtype.locationId);
    if (!local) {
      local = new Map();
      this.subtypesByLocation.set(subtype.locationId, local);
    }
    local.set(subtype.id, subtype);
  }

  /** Emails with recorded changes for a contact, lower-cased. */
  emailsWithChanges(locationId: string, contactId: string): string[] {
    const prefix = `${locationId}\u0000${contactId}\u0000`;
    return [...this.statuses.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
  }

  statusesFor(locationId: string, contactId: string, email: string): Map<string, SubscriptionStatus> {
    const k = `${locationId}\u0000${contactId}\u0000${email.trim().toLowerCase()}`;
    let map = this.statuses.get(k);
    if (!map) {
      map = new Map();
      this.statuses.set(k, map);
    }
    return map;
  }
}
