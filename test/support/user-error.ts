import { expect } from 'vitest';
import { UserError } from '../../src/errors.js';

/** The UserError `action` throws; the test fails when it throws something else or nothing. */
export function userErrorOf(action: () => unknown): UserError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error('expected a UserError, but the call succeeded');
}

/** `userErrorOf` for an action that rejects. */
export async function userErrorOfAsync(action: () => Promise<unknown>): Promise<UserError> {
  try {
    await action();
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return error as UserError;
  }
  throw new Error('expected a UserError, but the call succeeded');
}
