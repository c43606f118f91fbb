-- The site's grade on the MDN HTTP Observatory's scale (package
-- observatory), as the JSON object the scan's site record carries; ''
-- when the site was not graded (failed, or recorded before this
-- migration). Kept so that vigie report and the dashboard show the grade
-- the scan gave.
ALTER TABLE scan_sites ADD COLUMN http_observatory TEXT NOT NULL DEFAULT '';
