-- 0012_escalation_watermark: a tick looked at every breached lead for escalation steps that fell due,
-- although almost all of them had run on earlier ticks (about 50 ms a tick at 25,000 breached leads that
-- no rep is free to take). Each tick now records the time up to which every step that fell due has run;
-- the next one looks only at steps that fell due since (Schema/96_ticks.sql).
ALTER TABLE ticks ADD COLUMN escalated_through TEXT;
