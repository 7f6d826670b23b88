using JsonApiInvites.Api.Versioning;

namespace JsonApiInvites.Api.JsonApi;

/// <summary>Every error the API returns, in one place, so codes and titles stay consistent.</summary>
public static class Errors
{
    public static ErrorObject MissingVersion() => new(
        400, "missing_version", "Missing API version",
        "The 'version' query parameter is required, for example ?version=2021-06-04.",
        ErrorSource.AtParameter(ApiVersionMiddleware.QueryParameter));

    public static ErrorObject InvalidVersion(string value) => new(
        400, "invalid_version", "Invalid API version",
        $"'{value}' is not a valid version: use a real date YYYY-MM-DD, optionally followed by ~wip, ~experimental or ~beta, or one of those stabilities alone.",
        ErrorSource.AtParameter(ApiVersionMiddleware.QueryParameter));

    public static ErrorObject VersionInFuture(ApiVersionName requested) => new(
        400, "version_in_future", "API version in the future",
        $"Version {requested} is dated after today; ask for today's date or an earlier one.",
        ErrorSource.AtParameter(ApiVersionMiddleware.QueryParameter));

    public static ErrorObject VersionNotFound(ApiVersionName requested, ApiVersionName firstWithIt) => new(
        404, "version_not_found", "API version not found",
        $"No version of this operation matches {requested}; the first version that has it is {firstWithIt}.",
        ErrorSource.AtParameter(ApiVersionMiddleware.QueryParameter));

    public static ErrorObject Unauthorized(string detail) => new(
        401, "unauthorized", "Unauthorized", detail, ErrorSource.AtHeader("Authorization"));

    public static ErrorObject Forbidden(string permission) => new(
        403, "forbidden", "Forbidden", $"The token lacks the '{permission}' permission.", ErrorSource.AtHeader("Authorization"));

    public static ErrorObject NotFound(string detail, ErrorSource? source = null) => new(404, "not_found", "Not found", detail, source);

    public static ErrorObject RouteNotFound() => new(404, "not_found", "Not found", "No resource exists at this path.");

    public static ErrorObject MethodNotAllowed(string method) => new(
        405, "method_not_allowed", "Method not allowed", $"{method} is not allowed on this resource.");

    public static ErrorObject NotAcceptable() => new(
        406, "not_acceptable", "Not acceptable",
        "Every JSON:API media type in Accept has parameters other than 'ext' and 'profile'; accept application/vnd.api+json.",
        ErrorSource.AtHeader("Accept"));

    public static ErrorObject UnsupportedMediaType(string detail) => new(
        415, "unsupported_media_type", "Unsupported media type", detail, ErrorSource.AtHeader("Content-Type"));

    public static ErrorObject PayloadTooLarge(long limit) => new(
        413, "payload_too_large", "Payload too large", $"The request body must be at most {limit} bytes.",
        ErrorSource.AtPointer(""));

    public static ErrorObject InvalidQueryParameter(string parameter, string detail) => new(
        400, "invalid_query_parameter", "Invalid query parameter", detail, ErrorSource.AtParameter(parameter));

    public static ErrorObject MalformedJson(string detail) => new(
        400, "malformed_json", "Malformed JSON", detail, ErrorSource.AtPointer(""));

    public static ErrorObject InvalidDocument(string pointer, string detail) => new(
        400, "invalid_document", "Invalid document", detail, ErrorSource.AtPointer(pointer));

    public static ErrorObject ClientGeneratedId(string pointer) => new(
        403, "client_generated_id", "Client-generated id not supported",
        "The server assigns ids; remove 'id' from the resource object.", ErrorSource.AtPointer(pointer));

    public static ErrorObject TypeMismatch(string pointer, string actual, string expected) => new(
        409, "type_mismatch", "Resource type mismatch",
        $"Type '{actual}' does not match the expected type '{expected}'.", ErrorSource.AtPointer(pointer));

    public static ErrorObject IdMismatch(string pointer, string actual, string expected) => new(
        409, "id_mismatch", "Resource id mismatch",
        $"Id '{actual}' does not match the id '{expected}' in the URL.", ErrorSource.AtPointer(pointer));

    public static ErrorObject ReadOnly(string pointer, string detail) => new(
        403, "read_only", "Read-only field", detail, ErrorSource.AtPointer(pointer));

    public static ErrorObject UnsupportedWrite(string detail) => new(403, "unsupported_write", "Write not supported", detail);

    public static ErrorObject InvalidValue(string pointer, string detail) => new(
        422, "invalid_value", "Invalid value", detail, ErrorSource.AtPointer(pointer));

    public static ErrorObject AlreadyExists(string detail) => new(
        409, "already_exists", "Already exists", detail, ErrorSource.AtPointer("/data/attributes/email"));

    public static ErrorObject AlreadyMember(string detail, ErrorSource? source = null) => new(409, "already_member", "Already a member", detail, source);

    public static ErrorObject LastOwner(string detail) => new(409, "last_owner", "Last owner", detail);

    public static ErrorObject StorageUnavailable() => new(
        503, "storage_unavailable", "Storage unavailable",
        "The database cannot take this request now (it may be unreachable, or its disk full or read-only). Retry after Retry-After seconds; a create retried after a lost commit is a 409 already_exists.");

    public static ErrorObject InvalidState(string detail) => new(409, "invalid_state", "Invalid state", detail);

    public static ErrorObject Internal() => new(
        500, "internal_error", "Internal server error",
        "The server failed to handle the request; the error id identifies it in the server log.");

    /// <summary>A generic error for a bare status code the framework set without a body.</summary>
    public static ErrorObject ForStatus(int status) => status switch
    {
        404 => RouteNotFound(),
        413 => PayloadTooLarge(RequestLimits.MaxBodyBytes),
        _ => new ErrorObject(status, "http_" + status, Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status), $"The request failed with status {status}."),
    };
}

public static class RequestLimits
{
    public const long MaxBodyBytes = 1024 * 1024;
}
