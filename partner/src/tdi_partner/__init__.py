"""tdi_partner: publish commands to the platform as a partner operator, and follow the answer to each."""
