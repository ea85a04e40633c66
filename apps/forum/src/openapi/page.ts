import { applyDecorators, Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiProperty, getSchemaPath } from '@nestjs/swagger';

/** One page of a cursor-paginated list (`Page<T>` in @kindred/http). */
export class PageView {
  @ApiProperty({ type: 'array', items: {}, description: 'This page, in the list’s order.' })
  items: unknown[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as `?cursor=` for the next page; null on the last page.' })
  nextCursor: string | null;
}

/** A 200 whose body is a PageView of `item`. */
export function ApiPageResponse(item: Type<unknown>, description?: string): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(PageView, item),
    ApiOkResponse({
      description,
      schema: {
        allOf: [
          { $ref: getSchemaPath(PageView) },
          { type: 'object', required: ['items'], properties: { items: { type: 'array', items: { $ref: getSchemaPath(item) } } } },
        ],
      },
    }),
  );
}
