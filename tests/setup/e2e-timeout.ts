// A cap for a hung test, not a measure of speed: the e2e tier runs beside the browser journeys
// (`npm test`), and a test that waits on screening or a session's end needs room on a busy machine.
jest.setTimeout(60_000);
