using Asp.Versioning;
using JsonApiInvites.Api.Auth;
using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Api.Paging;
using JsonApiInvites.Api.Versioning;
using JsonApiInvites.Domain;
using JsonApiInvites.Domain.Invitations;
using JsonApiInvites.Domain.Organizations;

namespace JsonApiInvites.Api.Invitations;

/// <summary>
/// The API's most requested routes, <c>GET /orgs/{org_id}/invites</c> and <c>GET /orgs/{org_id}/invites/{invite_id}</c>,
/// served as endpoints of their own rather than MVC actions: the same authorization
/// (<see cref="RequirePermissionsAttribute.AuthorizeAsync"/>), request reading and documents
/// (<see cref="InvitationRequests"/>), and the same version headers, without MVC's invoker, controller activation and
/// filter pipeline (≈ 5 % of GET one's CPU time in a profile).
/// </summary>
public static class InvitationEndpoints
{
    private static readonly string[] ReadPermissions = [Permissions.OrgRead, Permissions.OrgUserRead];

    public static void MapInvitationReads(this IEndpointRouteBuilder app)
    {
        var services = app.ServiceProvider;
        var requests = services.GetRequiredService<InvitationRequests>();
        var reporter = services.GetRequiredService<IReportApiVersions>();
        // Every declared version has these routes, as every MVC action without [IntroducedIn]: Asp.Versioning routes
        // them by this metadata beside the controller's actions on the same paths, and the headers report the same versions.
        var versions = services.GetRequiredService<DeclaredVersions>().All.Select(DatedApiVersionParser.ToApiVersion).ToList();
        var model = new ApiVersionModel(versions, versions, [], [], []);
        var metadata = new ApiVersionMetadata(model, model);

        app.MapGet(InvitationsController.Route, new ListRoute(services.GetRequiredService<IInvitationRepository>(), requests, reporter, model).InvokeAsync)
            .WithMetadata(metadata);
        app.MapGet(InvitationsController.ItemRoute, new OneRoute(services.GetRequiredService<InvitationService>(), requests, reporter, model).InvokeAsync)
            .WithMetadata(metadata);
    }

    /// <summary>What an MVC action under <see cref="RequirePermissionsAttribute"/> gets from its filters, in their order.</summary>
    private abstract class ReadRoute(IReportApiVersions reporter, ApiVersionModel versions)
    {
        public async Task InvokeAsync(HttpContext context)
        {
            var token = await RequirePermissionsAttribute.AuthorizeAsync(context, ReadPermissions);
            // As Asp.Versioning's action filter does: after authorization, so a 401 or 404 for the organization says nothing of versions.
            reporter.Report(context.Response, versions);
            var result = await AnswerAsync(context, token.OrganizationId, context.RequestAborted);
            await result.ExecuteAsync(context);
        }

        protected abstract Task<JsonApiResult> AnswerAsync(HttpContext context, Guid organizationId, CancellationToken aborted);
    }

    private sealed class ListRoute(IInvitationRepository invitations, InvitationRequests requests, IReportApiVersions reporter, ApiVersionModel versions)
        : ReadRoute(reporter, versions)
    {
        private static readonly string[] Parameters = [.. InvitationRequests.ReadParameters, .. Pagination.Parameters];

        protected override async Task<JsonApiResult> AnswerAsync(HttpContext context, Guid organizationId, CancellationToken aborted)
        {
            var request = requests.Read(context, Parameters, withFilters: true);
            var pageRequest = Pagination.Read(request.Query);
            var page = await invitations.ListAsync(organizationId, request.Filter, pageRequest, aborted);

            var included = await InvitationRequests.IncludedAsync(request, () => requests.RolesOf(organizationId, page.Items, aborted));
            return new JsonApiResult(200, new Document
            {
                Data = page.Items.Select(request.Resources.Build).ToList(),
                Included = included,
                Links = Pagination.LinksFor(InvitationResources.CollectionPath(organizationId), context.Request.Query, request.Links, pageRequest, page, i => new ListPosition(i.CreatedAt, i.Id)),
            });
        }
    }

    private sealed class OneRoute(InvitationService service, InvitationRequests requests, IReportApiVersions reporter, ApiVersionModel versions)
        : ReadRoute(reporter, versions)
    {
        protected override async Task<JsonApiResult> AnswerAsync(HttpContext context, Guid organizationId, CancellationToken aborted)
        {
            var request = requests.Read(context, InvitationRequests.ReadParameters);
            var invitation = await service.FindAsync(organizationId, (string)context.GetRouteValue(InvitationsController.InviteId)!, request.Filter, aborted);
            return await requests.SingleAsync(200, request, invitation, aborted, self: request.Resource.Self);
        }
    }
}
