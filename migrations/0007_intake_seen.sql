-- A file the drop folder refused stays « à voir » until the user has read why (a refusal is
-- never only a toast that vanishes). Refusals logged before this migration count as seen.
ALTER TABLE intake_log ADD COLUMN seen INTEGER NOT NULL DEFAULT 0;
UPDATE intake_log SET seen = 1;

-- A file shown « à classer » is looked up by name at each pass over the folder.
CREATE INDEX intake_log_by_file ON intake_log (file, outcome);
