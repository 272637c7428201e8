-- A claim on handing an outbound message to its provider (the delivery job):
-- the run holding `send_claim` (a token of its own) until
-- `send_claimed_until` is the only one that calls the provider for it, so a
-- job run again after its lease ran out does not text the customer twice.
-- A claim whose run died lapses at that time and another run takes over.
ALTER TABLE messages ADD COLUMN send_claim TEXT;
ALTER TABLE messages ADD COLUMN send_claimed_until BIGINT;
