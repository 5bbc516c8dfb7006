-- The Git commit a change set applies (source git): its full id; NULL for every other change set.
ALTER TABLE change_sets ADD COLUMN git_commit TEXT;
