import { ArgumentMetadata, Type, ValidationError, ValidationPipe, ValidationPipeOptions } from '@nestjs/common';
import { DomainError, FieldError } from './domain-error';

/** Flattens class-validator's tree into `{ field: "a.b", message }` pairs a client can show by a field. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field = parent ? `${parent}.${error.property}` : error.property;
    for (const [rule, message] of Object.entries(error.constraints ?? {})) {
      out.push({ field, message: rule === 'whitelistValidation' ? `${field} is not a recognised property` : message });
    }
    if (error.children?.length) out.push(...flattenValidationErrors(error.children, field));
  }
  return out;
}

/** Unknown properties are refused, bodies become DTO instances, and failures are 422 VALIDATION_FAILED. */
export function validationPipeOptions(): ValidationPipeOptions {
  return {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => DomainError.validation(flattenValidationErrors(errors)),
  };
}

/** Builds a DTO from input it recognises as valid, or returns undefined to leave the input to the full pipe. */
export type FastValidation<T> = (value: unknown) => T | undefined;

const fastValidations = new Map<Type<unknown>, FastValidation<unknown>>();

/**
 * Lets a small DTO on a hot path (a page query) skip class-transformer and class-validator when
 * its input is plainly valid. The check must accept only input the full pipe accepts and build
 * what the full pipe would build; anything else, every mistake included, goes through the full
 * pipe, so the 422 answers and their messages do not change.
 */
export function registerFastValidation<T>(type: Type<T>, check: FastValidation<T>): void {
  fastValidations.set(type, check);
}

class KindredValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const check = metadata.metatype ? fastValidations.get(metadata.metatype) : undefined;
    const built = check?.(value);
    return built !== undefined ? built : super.transform(value, metadata);
  }
}

export function createValidationPipe(): ValidationPipe {
  return new KindredValidationPipe(validationPipeOptions());
}
