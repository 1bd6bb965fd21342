// Notifications: the transactional outbox and the senders that deliver it (SMTP first).
