-- Retention statements read in a site's information notices (package
-- notice): a JSON array of observation.RetentionStatement (the sentence,
-- personal data masked; the duration in days when it states one; whether
-- it says unlimited, gives a criterion or only "as long as necessary";
-- the page). NULL for sites recorded before this migration or without
-- any. Same portable conventions as 0001: TEXT and INTEGER only.
ALTER TABLE scan_sites ADD COLUMN retention TEXT;
