// A cluster journey with six faults under load takes minutes, not seconds.
jest.setTimeout(600_000);
