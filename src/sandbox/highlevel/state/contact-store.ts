import type { ContactRecord } from './records.js';

/** Phones match on their digits and a leading `+`, so "+1 (415) 555-0100" and "+14155550100" are one contact. */
export function normalizePhone(phone: string): string {
  const trimmed = phone.trim();
  return (trimmed.startsWith('+') ? '+' : '') + trimmed.replace(/\D/g, '');
}

function key(locationId: string, value: string): string {
  return `${locationId}\u0000${value}`;
}

/** Contacts by id, with per-location email (case-insensitive) and phone indexes for upsert matching. */
export class ContactStore {
  private readonly byId = new Map<string, ContactRecord>();
  private readonly byEmail = new Map<string, string>();
  private readonly byPhone = new Map<string, string>();
  private readonly perLocation = new Map<string, number>();

  get size(): number {
    return this.byId.size;
  }

  get(id: string): ContactRecord | undefined {
    return this.byId.get(id);
  }

  countIn(locationId: string): number {
    return this.perLocation.get(locationId) ?? 0;
  }

  findByEmail(locationId: string, email: string): ContactRecord | undefined {
    const id = this.byEmail.get(key(locationId, email.trim().toLowerCase()));
    return id === undefined ? undefined : this.byId.get(id);
  }

  findByPhone(locationId: string, phone: string): ContactRecord | undefined {
    const id = this.byPhone.get(key(locationId, normalizePhone(phone)));
    return id === undefined ? undefined : this.byId.get(id);
  }

  insert(contact: ContactRecord): void {
    this.byId.set(contact.id, contact);
    this.perLocation.set(contact.locationId, this.countIn(contact.locationId) + 1);
    this.index(contact);
  }

  /** Applies a change to a stored contact and keeps the email and phone indexes in step. */
  update(contact: ContactRecord, change: (c: ContactRecord) => void): void {
    this.unindex(contact);
    change(contact);
    this.index(contact);
  }

  private index(c: ContactRecord): void {
    if (c.email) this.byEmail.set(key(c.locationId, c.email.toLowerCase()), c.id);
    if (c.phone) this.byPhone.set(key(c.locationId, normalizePhone(c.phone)), c.id);
  }

  private unindex(c: ContactRecord): void {
    if (c.email) {
      const k = key(c.locationId, c.email.toLowerCase());
      if (this.byEmail.get(k) === c.id) this.byEmail.delete(k);
    }
    if (c.phone) {
      const k = key(c.locationId, normalizePhone(c.phone));
      if (this.byPhone.get(k) === c.id) this.byPhone.delete(k);
    }
  }
}
