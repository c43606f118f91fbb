-- Organisations can also claim sites by a tag of the scan input.
ALTER TABLE organisations ADD COLUMN site_tags TEXT NOT NULL DEFAULT '[]'; -- JSON array of strings
