//! The web crate's integration tests, built as one binary: one link instead of one per file,
//! and cargo runs every test of the crate in one pool of threads.

#[macro_use]
mod common;

mod admin_flow;
mod admin_security;
mod api_input;
mod booking_api;
mod booking_page;
mod calendar_view;
mod checkin;
mod client_data;
mod client_search;
mod courses_api;
mod desk;
mod desk_phone;
mod desk_undo;
mod json_snapshots;
mod lost_race;
mod mail_delivery;
mod odd_input;
mod photos;
mod planned_messages;
mod records;
mod screening_api;
mod screening_link;
mod screening_pages;
mod setup_forms;
mod sign_in;
mod site_pictures;
mod staff_auth;
mod visits;
mod waitlist;
