// Journeys drive a real browser against the real stack; each waits on screening and live events.
jest.setTimeout(120_000);
