CREATE INDEX console_session_by_person ON console_session (person);
