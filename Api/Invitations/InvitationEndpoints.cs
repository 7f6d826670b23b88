using Asp.Versioning;
using JsonApiInvites.Api.Auth;
using JsonApiInvites.Api.Versioning;
using JsonApiInvites.Domain.Organizations;

namespace JsonApiInvites.Api.Invitations;

/// <summary>
/// <c>GET /orgs/{org_id}/invites/{invite_id}</c>, the API's most requested route, served as an endpoint of its own
/// rather than an MVC action: the same authorization (<see cref="RequirePermissionsAttribute.AuthorizeAsync"/>),
/// request reading and document (<see cref="InvitationRequests"/>), and the same version headers, without MVC's
/// invoker, controller activation and filter pipeline (≈ 5 % of the route's CPU time in a profile).
/// </summary>
public static class InvitationEndpoints
{
    private static readonly string[] ReadPermissions = [Permissions.OrgRead, Permissions.OrgUserRead];

    public static IEndpointConventionBuilder MapInvitationReads(this IEndpointRouteBuilder app)
    {
        var services = app.ServiceProvider;
        // Every declared version has the route, as every MVC action without [IntroducedIn]: Asp.Versioning routes it by
        // this metadata beside the controller's actions on the same path, and the headers report the same versions.
        var versions = services.GetRequiredService<DeclaredVersions>().All.Select(DatedApiVersionParser.ToApiVersion).ToList();
        var model = new ApiVersionModel(versions, versions, [], [], []);
        var getOne = new GetOne(services.GetRequiredService<InvitationService>(), services.GetRequiredService<InvitationRequests>(), services.GetRequiredService<IReportApiVersions>(), model);
        return app.MapGet(InvitationsController.ItemRoute, getOne.InvokeAsync)
            .WithMetadata(new ApiVersionMetadata(model, model));
    }

    private sealed class GetOne(InvitationService service, InvitationRequests requests, IReportApiVersions reporter, ApiVersionModel versions)
    {
        public async Task InvokeAsync(HttpContext context)
        {
            var token = await RequirePermissionsAttribute.AuthorizeAsync(context, ReadPermissions);
            // As Asp.Versioning's action filter does: after authorization, so that a 401 or 404 for the organization says nothing of versions.
            reporter.Report(context.Response, versions);

            var aborted = context.RequestAborted;
            var request = requests.Read(context, InvitationRequests.ReadParameters);
            var invitation = await service.FindAsync(token.OrganizationId, (string)context.GetRouteValue(InvitationsController.InviteId)!, request.Filter, aborted);
            var result = await requests.SingleAsync(200, request, invitation, aborted, self: request.Resource.Self);
            await result.ExecuteAsync(context);
        }
    }
}
