-- Where a site's pages are served from (package hosting): a JSON object of
-- observation.Hosting (the DNS server asked, the CNAME chain, addresses
-- with their autonomous system and country, the provider and the clues
-- that named it, the jurisdiction and HDS verdicts, the datasets used).
-- NULL for sites recorded before this migration or not looked up. Kept so
-- that vigie report writes the site record the scan wrote.
ALTER TABLE scan_sites ADD COLUMN hosting TEXT;
