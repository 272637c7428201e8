//! Who is in the demo: the team, its inboxes, its customers, and what they say.

/// The owner's login, printed after loading.
pub const OWNER_EMAIL: &str = "maya@acme-plumbing.example";
/// Every demo user's password (the demo runs on a developer's machine).
pub const PASSWORD: &str = "switchboard-demo";
/// The demo workspace's name; loading is skipped when it exists.
pub const WORKSPACE: &str = "Acme Plumbing & Heating";

/// (name, email local part, admin?)
pub const TEAM: &[(&str, &str, bool)] = &[
    ("Sam Rivera", "sam", true),
    ("Ana Lima", "ana", false),
    ("Ben Okafor", "ben", false),
    ("Chloe Martin", "chloe", false),
    ("Diego Ramos", "diego", false),
    ("Emma Schulz", "emma", false),
    ("Farid Haddad", "farid", false),
    ("Grace Kim", "grace", false),
    ("Hugo Petit", "hugo", false),
    ("Ines Costa", "ines", false),
    ("Jonas Berg", "jonas", false),
    ("Kira Novak", "kira", false),
    ("Liam Walsh", "liam", false),
];

/// An inbox of the demo and who works it (indexes into [`TEAM`]).
#[derive(Debug)]
pub struct DemoInbox {
    /// Name.
    pub name: &'static str,
    /// Emoji.
    pub emoji: &'static str,
    /// Colour.
    pub color: &'static str,
    /// Purpose word.
    pub purpose: &'static str,
    /// The simulator number customers text.
    pub number: &'static str,
    /// Members, as indexes into [`TEAM`].
    pub members: &'static [usize],
    /// Whether carrier registration is approved (one inbox shows "registration pending").
    pub approved: bool,
    /// Share of the conversations that land here, out of 100.
    pub weight: u32,
}

/// The inboxes, in the order new members see them.
pub const INBOXES: &[DemoInbox] = &[
    DemoInbox {
        name: "Support",
        emoji: "🛟",
        color: "#2563eb",
        purpose: "support",
        number: "+14155550100",
        members: &[1, 2, 3, 4, 5, 6, 7],
        approved: true,
        weight: 55,
    },
    DemoInbox {
        name: "Sales",
        emoji: "💼",
        color: "#16a34a",
        purpose: "sales",
        number: "+14155550101",
        members: &[8, 9, 10, 2],
        approved: true,
        weight: 25,
    },
    DemoInbox {
        name: "Billing",
        emoji: "🧾",
        color: "#d97706",
        purpose: "success",
        number: "+14155550102",
        members: &[11, 12, 1],
        approved: true,
        weight: 20,
    },
    DemoInbox {
        name: "Emergencies",
        emoji: "🚨",
        color: "#dc2626",
        purpose: "support",
        number: "+14155550103",
        members: &[1, 2, 3],
        approved: false,
        weight: 0,
    },
];

/// First names of the customers.
pub const FIRST_NAMES: &[&str] = &[
    "Olivia", "Noah", "Amelia", "Lucas", "Sofia", "Mateo", "Harper", "Elijah", "Aria", "James",
    "Layla", "Mason", "Zoe", "Ethan", "Nora", "Arjun", "Priya", "Wei", "Mei", "Kofi", "Amara",
    "Tomás", "Lucía", "Hannah", "Oskar", "Freya", "Yusuf", "Leila", "Ivan", "Daria",
];

/// Family names of the customers.
pub const LAST_NAMES: &[&str] = &[
    "Johnson", "Nguyen", "Garcia", "Patel", "Smith", "Müller", "Rossi", "Kowalski", "O'Brien",
    "Tanaka",
];

/// Area codes of the customers' (fictional 555-01xx) numbers. Not 415: the
/// inboxes' own numbers are there, and a number cannot text itself.
pub const AREA_CODES: &[&str] = &["510", "628", "650", "707", "925", "408"];

/// What customers write first, by inbox purpose.
pub const OPENERS: &[(&str, &[&str])] = &[
    (
        "support",
        &[
            "Hi, my kitchen sink is draining really slowly again. Can someone come by this week?",
            "The water heater is making a banging noise every morning. Is that dangerous?",
            "Your technician fixed the toilet yesterday but it's running again 😕",
            "Is there a leak detection service? Our water bill doubled this month.",
            "No hot water since this morning. We have a baby at home, please help!",
            "Can I reschedule Thursday's appointment to Friday afternoon?",
            "The shower valve you replaced is dripping. Still under warranty?",
            "Hello! Do you service tankless heaters (Rinnai)?",
        ],
    ),
    (
        "sales",
        &[
            "Hi, I'd like a quote for replacing two bathroom vanities.",
            "Do you install heat pumps? Looking for a price range for a 3-bedroom house.",
            "We're renovating a café and need a plumbing contractor. Can we talk?",
            "How much would a water softener cost, installed?",
            "Saw your ad about the spring boiler check. Is the $89 offer still on?",
        ],
    ),
    (
        "success",
        &[
            "I think I was charged twice for invoice 4471.",
            "Can I pay the last invoice in two instalments?",
            "Please send the receipt for the repair on the 12th to my email.",
            "My card expired, how do I update it for the maintenance plan?",
        ],
    ),
];

/// What the team replies.
pub const REPLIES: &[&str] = &[
    "Thanks for reaching out! I can have a technician there tomorrow between 8 and 10am. Does that work?",
    "Sorry to hear that. Could you send a photo of the area so we bring the right parts?",
    "I've booked you in for Friday 2–4pm. You'll get a text when the tech is on the way.",
    "That should be covered by the warranty — no charge for the visit.",
    "I've attached the quote to your email. Happy to walk you through it.",
    "I've refunded the duplicate charge; it should show within 3–5 business days.",
    "Got it. Please turn off the water at the main valve until we arrive.",
];

/// What customers answer.
pub const FOLLOW_UPS: &[&str] = &[
    "Perfect, thank you!",
    "Tomorrow works. The gate code is 4821.",
    "Here's the photo 📷",
    "Can we make it after 5pm? I'm at work until then.",
    "Great, see you Friday.",
    "Still waiting on this, any update?",
];

/// Internal notes the team leaves for each other.
pub const NOTES: &[&str] = &[
    "Repeat customer — had the same issue in March. Check the trap first.",
    "VIP: property manager for 14 units on Elm St.",
    "Needs a part from the supplier; ETA Wednesday.",
    "@Ben can you take this one? You did the original install.",
    "Customer prefers texts over calls.",
];

/// Tags used across the demo.
pub const TAGS: &[&str] = &[
    "drain",
    "water-heater",
    "leak",
    "quote",
    "warranty",
    "invoice",
    "vip",
    "follow-up",
];
