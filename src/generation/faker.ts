import type { Faker } from '@faker-js/faker';
import { faker as english } from '@faker-js/faker/locale/en';

/**
 * A Faker of its own with the English locale, seeded: the mock's data and each suite file's data replay from the
 * run's seed. Taken from the English entry point, not the package's main one: that one loads all 77 locales (about
 * 40 MB and 0.3 s per thread that imports it), of which only English is ever used.
 */
export function seededFaker(seed: number): Faker {
  // The English entry point exports its instance only; its class and definitions make another one like it.
  const FakerClass = english.constructor as new (options: { locale: Faker['rawDefinitions']; seed: number }) => Faker;
  return new FakerClass({ locale: english.rawDefinitions, seed });
}
