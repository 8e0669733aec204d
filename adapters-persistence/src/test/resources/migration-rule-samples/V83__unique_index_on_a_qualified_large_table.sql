CREATE UNIQUE INDEX IF NOT EXISTS webhook_delivery_once
  ON ONLY public.webhook_delivery (subscription_id, event_id);
