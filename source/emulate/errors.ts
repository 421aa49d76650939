/**
 * Alpaca's error replies: an HTTP status plus a `{code, message}` body (8-digit codes), with
 * extra fields on some 403s. Handlers throw an ApiFailure; the server turns it into the reply.
 */

export const CODE = {
	/** Malformed JSON body. */
	invalidBody: 40010000,
	/** Missing or invalid request field, duplicate client order id, unknown asset. */
	invalidRequest: 40010001,
	/** Buying power, qty available, wash trade. */
	forbidden: 40310000,
	notFound: 40410000,
	/** Business validation: qty, sub-penny, order state. */
	unprocessable: 42210000,
	rateLimited: 42910000,
	internal: 50010000,
} as const;

export interface ErrorBody {
	readonly code?: number;
	readonly message: string;
	readonly [extra: string]: unknown;
}

export class ApiFailure extends Error {
	constructor(
		readonly status: number,
		readonly body: ErrorBody,
		readonly headers: Readonly<Record<string, string>> = {},
	) {
		super(body.message);
		this.name = 'ApiFailure';
	}
}

/** Missing or unknown key: Alpaca answers without a code. */
export function unauthorized(): ApiFailure {
	return new ApiFailure(401, {message: 'unauthorized.'});
}

/** Known key id with the wrong secret. */
export function forbiddenKey(): ApiFailure {
	return new ApiFailure(403, {message: 'forbidden.'});
}

export function badRequest(message: string, code: number = CODE.invalidRequest): ApiFailure {
	return new ApiFailure(400, {code, message});
}

export function invalidBody(): ApiFailure {
	return new ApiFailure(400, {code: CODE.invalidBody, message: 'request body format is invalid'});
}

/** 422 for a missing/invalid field (code 40010001). */
export function invalidField(message: string): ApiFailure {
	return new ApiFailure(422, {code: CODE.invalidRequest, message});
}

/** 422 for a rule the order breaks (code 42210000). */
export function unprocessable(message: string, extra: Record<string, unknown> = {}): ApiFailure {
	return new ApiFailure(422, {code: CODE.unprocessable, message, ...extra});
}

export function forbidden(message: string, extra: Record<string, unknown> = {}): ApiFailure {
	return new ApiFailure(403, {code: CODE.forbidden, message, ...extra});
}

export function notFound(message: string): ApiFailure {
	return new ApiFailure(404, {code: CODE.notFound, message});
}

export function endpointNotFound(): ApiFailure {
	return new ApiFailure(404, {code: CODE.notFound, message: 'endpoint not found'});
}

export function methodNotAllowed(): ApiFailure {
	return new ApiFailure(405, {code: 40510000, message: 'method not allowed'});
}

export function rateLimited(headers: Readonly<Record<string, string>> = {}): ApiFailure {
	return new ApiFailure(429, {code: CODE.rateLimited, message: 'rate limit exceeded'}, headers);
}

export function internalError(): ApiFailure {
	return new ApiFailure(500, {code: CODE.internal, message: 'internal server error'});
}

/** A reply for an injected failure of the given status. */
export function failureForStatus(status: number, headers: Readonly<Record<string, string>> = {}): ApiFailure {
	if (status === 429) return rateLimited(headers);
	if (status === 500) return internalError();
	if (status === 503) return new ApiFailure(503, {code: 50310000, message: 'service unavailable'}, headers);
	return new ApiFailure(status, {code: status * 100_000, message: `injected failure (HTTP ${status})`}, headers);
}
