namespace JsonApiInvites.Api.Versioning;

/// <summary>What a versioned request asked for and what it is served; set by <see cref="ApiVersionMiddleware"/>.</summary>
public sealed record ApiVersionContext(ApiVersionName Requested, ApiVersionName Served, VersionLifecycle Lifecycle);

public static class ApiVersionHttpContextExtensions
{
    public static ApiVersionContext GetApiVersion(this HttpContext context) =>
        context.Features.Get<ApiVersionContext>()
        ?? throw new InvalidOperationException("The request was not resolved to an API version.");
}
