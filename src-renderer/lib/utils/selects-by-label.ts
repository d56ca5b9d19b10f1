// Which grid filters a label change can affect.
import type { MethodRequest } from '../../../src-main/api/contract.js';

/** the grid's filter: a photos.days / photos.places request */
type PhotoFilterQuery = MethodRequest<'photos.days'>;

/** Whether a label change can move the filter's photo set (and so the day and place counts under it). */
export function selectsByLabel(filter: PhotoFilterQuery): boolean {
  return filter.classId !== undefined || Boolean(filter.unlabeled) || Boolean(filter.misclassified) || filter.status !== undefined;
}
