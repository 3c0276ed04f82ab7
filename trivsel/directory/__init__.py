"""The directory of follow-on offers, with Open Referral (HSDS 3.0) in and out."""
