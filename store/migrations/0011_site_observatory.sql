-- The site's grade on the MDN HTTP Observatory's scale (package
-- observatory), as the JSON object the scan's site record carries; ''
-- when the site was not graded (failed, or recorded before this
-- migration). Kept so that vigie report and the dashboard show the grade
-- the scan gave.
ALTER TABLE scan_sites ADD COLUMN http_observatory TEXT NOT NULL DEFAULT '';

-- The contact of an organisation's security team, from the Contact field
-- of its security.txt (RFC 9116): a mailto: or https: URI. Not the DPO's.
ALTER TABLE organisations ADD COLUMN security_contact TEXT NOT NULL DEFAULT '';
