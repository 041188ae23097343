-- Ticks: INSERT INTO ticks DEFAULT VALUES runs the rules that depend on time passing, as of now:
-- SLA escalation steps that fell due, and nurture steps that fell due. Run it every minute or so (a
-- cron job, the shell's `tick`, the Swift API); running it more often changes nothing.
CREATE TRIGGER ticks_after_insert AFTER INSERT ON ticks
BEGIN
    UPDATE ticks SET ticked_at = (SELECT now FROM clock) WHERE id = NEW.id;

    -- The search index catches up with the leads captured or changed since the last tick.
    INSERT INTO lead_search_refresh(pending) VALUES (NULL);

    -- SLA escalations: each step whose minutes_overdue has passed runs once per lead, step and
    -- assignment (a reassignment restarts the clock, and the steps with it).
    INSERT INTO sla_escalation_runs(tick_id, lead_id, escalation_id, assignment_id, action, ran_at)
    SELECT NEW.id, b.lead_id, e.id, a.id, e.action, c.now
      FROM sla_breaches AS b
      JOIN sla_escalations AS e ON e.minutes_overdue <= b.minutes_overdue
      JOIN assignments AS a ON a.id = (SELECT max(id) FROM assignments WHERE lead_id = b.lead_id)
     CROSS JOIN clock AS c
     WHERE NOT EXISTS (SELECT 1 FROM sla_escalation_runs r
                        WHERE r.lead_id = b.lead_id AND r.escalation_id = e.id AND r.assignment_id = a.id)
     ORDER BY b.lead_id, e.minutes_overdue;

    INSERT INTO outbox(kind, lead_id, rep_id, payload, created_at)
    SELECT 'sla_escalation', r.lead_id, m.id,
           json_object('lead_id', r.lead_id, 'owner_id', l.owner_id, 'owner_name', o.name, 'manager_id', m.id,
                       'response_due_at', l.response_due_at,
                       'minutes_overdue', CAST(round((julianday(r.ran_at) - julianday(l.response_due_at)) * 86400) AS INTEGER) / 60),
           r.ran_at
      FROM sla_escalation_runs AS r
      JOIN lead_records AS l ON l.id = r.lead_id
      LEFT JOIN reps AS o ON o.id = l.owner_id
      LEFT JOIN reps AS m ON m.id = o.manager_id
     WHERE r.tick_id = NEW.id AND r.action = 'notify_manager';

    INSERT INTO routing_requests(lead_id, reason)
    SELECT r.lead_id, 'SLA escalation ' || r.escalation_id || ' (reassign)'
      FROM sla_escalation_runs AS r
     WHERE r.tick_id = NEW.id AND r.action = 'reassign'
     ORDER BY r.lead_id + 0;

    -- Nurture: a due step of a lead with consent is one message; without consent the enrollment ends.
    INSERT INTO outbox(kind, lead_id, rep_id, payload, created_at)
    SELECT 'nurture_email', d.lead_id, NULL,
           json_object('lead_id', d.lead_id, 'email', d.email,
                       'name', nullif(trim(coalesce(d.first_name, '') || ' ' || coalesce(d.last_name, '')), ''),
                       'sequence', d.sequence, 'step', d.position, 'subject', d.subject),
           c.now
      FROM nurture_due AS d CROSS JOIN clock AS c
     WHERE d.consent = 1 AND d.subject IS NOT NULL
     ORDER BY d.enrollment_id;

    UPDATE nurture_enrollments
       SET status = 'ended', end_reason = 'no_consent', ended_at = (SELECT now FROM clock), next_due_at = NULL
     WHERE id IN (SELECT enrollment_id FROM nurture_due WHERE consent IS NOT 1);

    UPDATE nurture_enrollments
       SET next_step = d.following_step,
           next_due_at = CASE WHEN d.following_step IS NULL THEN NULL
                              ELSE strftime('%Y-%m-%dT%H:%M:%fZ', d.next_due_at, '+' ||
                                   (SELECT delay_days FROM nurture_steps WHERE sequence_id = d.sequence_id AND position = d.following_step) || ' days') END,
           status = CASE WHEN d.following_step IS NULL THEN 'completed' ELSE 'active' END,
           end_reason = CASE WHEN d.following_step IS NULL THEN 'completed' END,
           ended_at = CASE WHEN d.following_step IS NULL THEN (SELECT now FROM clock) END
      FROM nurture_due AS d
     WHERE nurture_enrollments.id = d.enrollment_id;
END;
