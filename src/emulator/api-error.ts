/** An answer the emulated gateway or service gives instead of a success. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;
  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

export interface ErrorBody {
  error_code: string;
  error_msg: string;
  request_id: string;
}

export function errorBody(error: ApiError, requestId: string): ErrorBody {
  return { error_code: error.code, error_msg: error.message, request_id: requestId };
}

// Codes and wording follow the SparkRTC API reference and the API Gateway error list.
export const errors = {
  badAuth: (detail: string) =>
    new ApiError(401, 'APIGW.0301', `Incorrect IAM authentication information: ${detail}`),
  skewedClock: (detail: string) =>
    new ApiError(401, 'APIGW.0305', `Incorrect IAM authentication information: ${detail}`),
  staleToken: () => new ApiError(401, 'APIGW.0307', 'The token must be updated.'),
  projectDenied: (detail: string) =>
    new ApiError(403, 'APIGW.0302', `The IAM user is not authorized to access the API: ${detail}`),
  throttled: (message: string, headers: Record<string, string>) =>
    new ApiError(429, 'APIGW.0308', message, headers),
  unknownApi: () =>
    new ApiError(
      404,
      'APIGW.0101',
      'The API does not exist or has not been published in the environment',
    ),
  unauthorizedOperation: () => new ApiError(400, 'RTC.00001001', 'OperationUnauthorized'),
  malformed: (detail: string) => new ApiError(400, 'RTC.00001002', `MalformedRequest: ${detail}`),
  invalidValue: (detail: string) =>
    new ApiError(400, 'RTC.00001003', `InvalidParameterValue: ${detail}`),
  notFound: (detail: string) =>
    new ApiError(404, 'RTC.00001003', `InvalidParameterValue: ${detail}`),
  missing: (detail: string) => new ApiError(400, 'RTC.00001005', `MissingParameter: ${detail}`),
  appsExceed: () => new ApiError(400, 'RTC.00001017', 'AppsExceed'),
  appExists: () => new ApiError(400, 'RTC.00001020', 'AppExist'),
  internal: () => new ApiError(500, 'RTC.00002001', 'Internal error'),
};
