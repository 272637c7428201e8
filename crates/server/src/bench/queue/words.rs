//! The dataset's text: a vocabulary of a few thousand words drawn with a
//! Zipf distribution (the commonest word about once in ten, most words
//! rare), so that a search for a common word matches much of the database
//! and one for a rare word a handful of messages, as in real traffic.

use rand::Rng;

/// Real words at the top of the ranking: the commonest ones customers and
/// agents type. The rest of the vocabulary is made-up words after them.
const COMMON: &[&str] = &[
    "the",
    "to",
    "i",
    "you",
    "a",
    "and",
    "is",
    "it",
    "for",
    "my",
    "we",
    "on",
    "can",
    "your",
    "thanks",
    "be",
    "have",
    "this",
    "of",
    "in",
    "at",
    "will",
    "me",
    "with",
    "today",
    "please",
    "what",
    "time",
    "tomorrow",
    "are",
    "do",
    "hi",
    "order",
    "there",
    "need",
    "water",
    "heater",
    "leak",
    "appointment",
    "invoice",
    "price",
    "quote",
    "sink",
    "kitchen",
    "bathroom",
    "pipe",
    "repair",
    "install",
    "address",
    "morning",
    "afternoon",
    "confirm",
    "schedule",
    "technician",
    "payment",
    "card",
    "refund",
    "delivery",
    "tracking",
    "number",
    "account",
    "password",
    "ok",
    "great",
    "sure",
    "yes",
    "no",
    "when",
    "where",
    "how",
    "why",
    "call",
    "text",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "weekend",
    "asap",
    "urgent",
];

/// Syllables the made-up words are built of (three each: 20^3 = 8,000 words).
const SYLLABLES: [&str; 20] = [
    "ka", "lo", "mi", "ren", "tu", "sa", "vex", "bri", "dor", "pel", "qua", "zin", "mo", "thi",
    "gar", "nu", "fes", "wol", "cy", "jan",
];

/// First and last names, combined into contact names (names repeat, as
/// in a real customer base).
const FIRST: &[&str] = &[
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Carlos",
    "Karen",
    "Daniel",
    "Lisa",
    "Matthew",
    "Nancy",
    "Anthony",
    "Betty",
    "Mark",
    "Sandra",
    "Wei",
    "Ashley",
    "Paul",
    "Kimberly",
    "Steven",
    "Emily",
    "Andrew",
    "Donna",
    "Kenji",
    "Michelle",
    "Priya",
    "Carol",
    "Omar",
    "Amanda",
    "Diego",
    "Melissa",
    "Ryan",
    "Deborah",
    "Aisha",
    "Laura",
];
const LAST: &[&str] = &[
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Okafor",
    "Tanaka",
    "Kowalski",
];

/// How many words the vocabulary has.
pub const VOCABULARY: usize = 4_000;

/// The vocabulary, commonest first, with the cumulative Zipf weights to draw from.
#[derive(Debug)]
pub struct Words {
    words: Vec<String>,
    cumulative: Vec<f64>,
}

impl Words {
    /// The vocabulary (always the same words in the same ranks).
    pub fn new() -> Self {
        let mut words: Vec<String> = COMMON.iter().map(|w| (*w).to_string()).collect();
        let mut n = 0usize;
        while words.len() < VOCABULARY {
            let (a, b, c) = (n % 20, (n / 20) % 20, (n / 400) % 20);
            words.push(format!("{}{}{}", SYLLABLES[c], SYLLABLES[a], SYLLABLES[b]));
            n += 7; // 7 is prime to 8,000: each made-up word appears once.
        }
        let mut total = 0.0;
        let cumulative = (1..=words.len())
            .map(|rank| {
                total += 1.0 / rank as f64;
                total
            })
            .collect();
        Self { words, cumulative }
    }

    /// The word of a rank (0 is the commonest).
    pub fn at(&self, rank: usize) -> &str {
        &self.words[rank.min(self.words.len() - 1)]
    }

    /// One word drawn by frequency.
    pub fn draw(&self, rng: &mut impl Rng) -> &str {
        let total = self.cumulative.last().copied().unwrap_or(1.0);
        let x = rng.gen_range(0.0..total);
        let rank = self.cumulative.partition_point(|c| *c < x);
        self.at(rank)
    }

    /// A message of `n` words drawn by frequency, first letter capitalised.
    pub fn sentence(&self, rng: &mut impl Rng, n: usize) -> String {
        let mut text = String::with_capacity(n * 7);
        for i in 0..n {
            let word = self.draw(rng);
            if i == 0 {
                let mut chars = word.chars();
                if let Some(first) = chars.next() {
                    text.extend(first.to_uppercase());
                    text.push_str(chars.as_str());
                }
            } else {
                text.push(' ');
                text.push_str(word);
            }
        }
        text.push(if rng.gen_bool(0.2) { '?' } else { '.' });
        text
    }
}

impl Default for Words {
    fn default() -> Self {
        Self::new()
    }
}

/// The contact name of the `i`th contact (first names cycle fastest).
pub fn contact_name(i: usize) -> String {
    format!(
        "{} {}",
        FIRST[i % FIRST.len()],
        LAST[(i / FIRST.len() + i * 7) % LAST.len()]
    )
}

/// The phone number of the `i`th contact: distinct for any `i` below 70 million.
pub fn contact_phone(i: usize) -> String {
    const AREA_CODES: [&str; 9] = [
        "415", "212", "312", "617", "206", "303", "512", "702", "646",
    ];
    format!(
        "+1{}{:07}",
        AREA_CODES[i % AREA_CODES.len()],
        2_000_000 + i / AREA_CODES.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn the_vocabulary_has_distinct_words_and_a_zipf_head() {
        let words = Words::new();
        let distinct: std::collections::HashSet<_> = words.words.iter().collect();
        assert_eq!(distinct.len(), VOCABULARY);
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let draws = 100_000;
        let the = (0..draws).filter(|_| words.draw(&mut rng) == "the").count();
        // 1 / H(4000) ≈ 11 % of all words.
        assert!((9_000..13_000).contains(&the), "{the}");
    }

    #[test]
    fn phones_are_distinct() {
        let phones: std::collections::HashSet<_> = (0..20_000).map(contact_phone).collect();
        assert_eq!(phones.len(), 20_000);
    }
}
