//! A simulated Intune tenant on loopback: Microsoft Graph's managed-device endpoints and Entra ID's
//! sign-in endpoints, for the demo mode, every integration test and the benchmarks.
