/**
 * Deterministic sample attendees for the sandbox seed. Emails use example.com and phones the 555-01xx
 * range, both reserved for fiction, so seeded data can never reach a real person. That range holds 100
 * numbers per area code, so phones repeat after 1,000 attendees; emails stay unique.
 */
const FIRST_NAMES = [
  'Ava',
  'Liam',
  'Sofia',
  'Noah',
  'Maya',
  'Ethan',
  'Priya',
  'Lucas',
  'Amara',
  'Mateo',
  'Hana',
  'Oliver',
  'Zoe',
  'Kenji',
  'Isla',
  'Diego',
  'Leila',
  'Samuel',
  'Chloe',
  'Tariq',
];
const LAST_NAMES = [
  'Johnson',
  'Nguyen',
  'Garcia',
  'Okafor',
  'Patel',
  'Schmidt',
  'Rossi',
  'Kim',
  'Silva',
  'Cohen',
  'Moreau',
  'Haddad',
  'Larsen',
  'Tanaka',
  'Murphy',
  'Novak',
  'Mensah',
  'Fischer',
  'Reyes',
  'Walsh',
];
const AREA_CODES = ['415', '212', '312', '617', '206', '512', '303', '404', '503', '919'];

export interface SeedPerson {
  firstName: string;
  lastName: string;
  email: string;
  /** Every seventh attendee registered without a phone, so some conversations are email-only. */
  phone: string | null;
}

export function seedPerson(index: number): SeedPerson {
  const firstName = FIRST_NAMES[index % FIRST_NAMES.length]!;
  const lastName = LAST_NAMES[Math.floor(index / FIRST_NAMES.length) % LAST_NAMES.length]!;
  const round = Math.floor(index / (FIRST_NAMES.length * LAST_NAMES.length));
  const email = `${firstName}.${lastName}${round > 0 ? round : ''}@example.com`.toLowerCase();
  const area = AREA_CODES[Math.floor(index / 100) % AREA_CODES.length]!;
  const phone = index % 7 === 6 ? null : `+1${area}55501${String(index % 100).padStart(2, '0')}`;
  return { firstName, lastName, email, phone };
}

/** Message bodies of a registration thread, in order: welcome, question, answer, follow-up. */
export function seedThread(person: SeedPerson, index: number): { body: string; subject?: string }[] {
  const topics = [
    ['Where do I pick up my badge?', 'Badge pickup is at the north entrance from 8:00; bring your QR code.'],
    ['Can I switch to the afternoon workshop?', 'Done: you are now in the 2 pm workshop, room B.'],
    ['Is there a vegetarian lunch option?', 'Yes, vegetarian and vegan lunches are marked with a green label.'],
    ['Will the keynote be recorded?', 'Yes, recordings go out to all attendees within 48 hours.'],
    [
      'Can I bring a colleague on my ticket?',
      'Tickets are personal, but your colleague can register with code TEAM10.',
    ],
  ] as const;
  const [question, answer] = topics[index % topics.length]!;
  return [
    {
      body: `Hi ${person.firstName}, welcome to the Spring Summit! Your registration is confirmed. Reply here with any questions.`,
      subject: 'Your Spring Summit registration',
    },
    { body: question },
    { body: answer },
    { body: 'Thanks, see you there!' },
  ];
}
