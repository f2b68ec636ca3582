"""The funding domain, pure: envelopes, applications (dossiers), eligibility, the chef de projet rule."""
