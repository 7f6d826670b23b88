using Microsoft.AspNetCore.Http.Features;

namespace JsonApiInvites.Api.JsonApi;

/// <summary>
/// Outermost middleware: every failure becomes a JSON:API error document — thrown <see cref="JsonApiException"/>s,
/// oversized or bad requests, unexpected exceptions (500, logged with the error id), and bare status codes the
/// framework sets without a body (routing 404 and 405).
/// </summary>
public sealed class ErrorHandlingMiddleware(RequestDelegate next, ErrorWriter errors, Persistence.Database database)
{
    /// <summary>Seconds a client should wait before retrying a request the storage refused.</summary>
    public const int StorageRetryAfterSeconds = 5;

    private static readonly IReadOnlyDictionary<string, string> StorageRetry =
        new Dictionary<string, string> { ["Retry-After"] = StorageRetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) };

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (JsonApiException exception) when (!context.Response.HasStarted)
        {
            await errors.WriteAsync(context, exception.Error, exception.Headers);
            return;
        }
        catch (BadHttpRequestException exception) when (!context.Response.HasStarted)
        {
            var error = exception.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? Errors.PayloadTooLarge(RequestLimits.MaxBodyBytes)
                : Errors.ForStatus(exception.StatusCode);
            await errors.WriteAsync(context, error);
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is no one to answer.
            return;
        }
        catch (Exception exception) when (!context.Response.HasStarted && database.IsStorageFailure(exception))
        {
            await errors.WriteAsync(context, Errors.StorageUnavailable(), StorageRetry, exception);
            return;
        }
        catch (Exception exception) when (!context.Response.HasStarted)
        {
            await errors.WriteAsync(context, Errors.Internal(), exception: exception);
            return;
        }

        if (!context.Response.HasStarted && context.Response.StatusCode >= 400 && context.Response.ContentType is null)
        {
            var method = context.Request.Method;
            var error = context.Response.StatusCode == StatusCodes.Status405MethodNotAllowed
                ? UnsupportedWrite(method) ?? Errors.MethodNotAllowed(method)
                : Errors.ForStatus(context.Response.StatusCode);
            await errors.WriteAsync(context, error);
        }
    }

    /// <summary>
    /// JSON:API 1.1 §9: an unsupported request to create (POST) or update (PATCH) a resource or relationship that exists
    /// is a 403, not a 405. Other methods stay 405.
    /// </summary>
    private static ErrorObject? UnsupportedWrite(string method) =>
        HttpMethods.IsPatch(method) ? Errors.UnsupportedWrite("This resource or relationship cannot be updated.")
        : HttpMethods.IsPost(method) ? Errors.UnsupportedWrite("Resources cannot be created here.")
        : null;
}

public static class RequestBodyLimit
{
    /// <summary>Applies the 1 MiB limit on every server (the test host does not enforce Kestrel's).</summary>
    public static void Enforce(HttpContext context)
    {
        if (context.Request.ContentLength > RequestLimits.MaxBodyBytes)
        {
            throw new JsonApiException(Errors.PayloadTooLarge(RequestLimits.MaxBodyBytes));
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = RequestLimits.MaxBodyBytes;
        }
    }
}
