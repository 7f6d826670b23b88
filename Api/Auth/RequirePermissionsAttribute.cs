using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Domain.Tokens;
using Microsoft.AspNetCore.Mvc.Filters;

namespace JsonApiInvites.Api.Auth;

/// <summary>
/// Guards an action under <c>/orgs/{org_id}</c>: 401 without a valid token, 404 when the token belongs to another
/// organization (never revealing that the organization exists), 403 naming the first missing permission.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class RequirePermissionsAttribute(params string[] permissions) : Attribute, IAsyncAuthorizationFilter
{
    public const string OrganizationRouteKey = "org_id";

    public IReadOnlyList<string> Permissions { get; } = permissions;

    public Task OnAuthorizationAsync(AuthorizationFilterContext context) => AuthorizeAsync(context.HttpContext, Permissions);

    /// <summary>The check itself, for a route served without MVC (<c>Invitations/InvitationEndpoints.cs</c>).</summary>
    public static async Task<ApiToken> AuthorizeAsync(HttpContext http, IReadOnlyList<string> permissions)
    {
        var token = await http.RequestServices.GetRequiredService<TokenAuthenticator>().AuthenticateAsync(http);

        var routeOrganization = http.GetRouteValue(OrganizationRouteKey) as string;
        if (!Guid.TryParse(routeOrganization, out var organizationId) || organizationId != token.OrganizationId)
        {
            throw new JsonApiException(Errors.NotFound($"Organization '{routeOrganization}' was not found."));
        }

        foreach (var permission in permissions)
        {
            if (!token.Has(permission))
            {
                throw new JsonApiException(Errors.Forbidden(permission));
            }
        }

        return token;
    }
}

public static class ApiTokenHttpContextExtensions
{
    /// <summary>The token that <see cref="RequirePermissionsAttribute"/> authenticated.</summary>
    public static ApiToken GetApiToken(this HttpContext context) =>
        context.Features.Get<ApiToken>() ?? throw new InvalidOperationException("The request was not authenticated.");
}
