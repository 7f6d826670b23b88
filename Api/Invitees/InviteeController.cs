using JsonApiInvites.Api.Invitations;
using JsonApiInvites.Api.JsonApi;
using JsonApiInvites.Api.Memberships;
using JsonApiInvites.Api.Organizations;
using JsonApiInvites.Api.Resources;
using JsonApiInvites.Api.Roles;
using JsonApiInvites.Api.Versioning;
using JsonApiInvites.Domain.Organizations;
using Microsoft.AspNetCore.Mvc;

namespace JsonApiInvites.Api.Invitees;

/// <summary>
/// The invitee's routes (SPEC §2, §8, from <c>2026-11-25</c>), under the invitation credential: see the invitation the
/// email's link opens, and accept it.
/// </summary>
[ApiController]
public sealed class InviteeController(InvitationCredential credential, InviteeService service, IOrganizationRepository organizations, TimeProvider clock) : ControllerBase
{
    public const string InvitationPath = "invitation";
    public const string MembershipsPath = "memberships";
    private static readonly IReadOnlySet<string> IncludePaths = new HashSet<string> { InvitationResources.RoleRelationship, InvitationResources.OrganizationRelationship };

    /// <summary>The invitation, with <c>include=role,organization</c> so that a page can say "Acme invites you as Collaborator".</summary>
    [HttpGet(InvitationPath)]
    [IntroducedIn(MembershipResources.Introduced)]
    public async Task<IActionResult> GetInvitation(CancellationToken cancellationToken)
    {
        KeepOutOfCaches();
        var request = ResourceRequest.Read(HttpContext, [QueryReader.Include, QueryReader.FieldsFamily], IncludePaths);
        var (invitation, _) = await credential.AuthenticateAsync(HttpContext);
        invitation = await service.EnsureAcceptableAsync(invitation, cancellationToken);

        var contract = InvitationContracts.For(request.Version.Served);
        var resource = new InvitationResources(contract, request.Links, clock.GetUtcNow(), request.Fields).Build(invitation);
        List<IResource>? included = null;
        if (request.Includes is { } includes)
        {
            included = [];
            if (includes.Contains(InvitationResources.RoleRelationship) && await organizations.FindRoleAsync(invitation.OrganizationId, invitation.RoleId, cancellationToken) is { } role)
            {
                included.Add(RoleResources.Build(role, request.Links, request.Fields));
            }

            if (includes.Contains(InvitationResources.OrganizationRelationship) && await organizations.FindAsync(invitation.OrganizationId, cancellationToken) is { } organization)
            {
                included.Add(OrganizationResources.Build(organization, request.Links, request.Fields));
            }
        }

        return new JsonApiResult(200, new Document { Data = resource, Included = included, Links = new Links { Self = request.Self } });
    }

    /// <summary>Accepts the invitation: <c>{"data":{"type":"membership"}}</c> makes its email a member with its role.</summary>
    [HttpPost(MembershipsPath)]
    [IntroducedIn(MembershipResources.Introduced)]
    public async Task<IActionResult> Accept(CancellationToken cancellationToken)
    {
        KeepOutOfCaches();
        var request = ResourceRequest.Read(HttpContext, [QueryReader.FieldsFamily]);
        var (invitation, tokenHash) = await credential.AuthenticateAsync(HttpContext);
        using var body = await RequestDocumentReader.ParseAsync(Request, cancellationToken);
        var input = RequestDocumentReader.ReadForCreate(body.RootElement, MembershipResources.Type);
        foreach (var name in input.Attributes.Keys.Select(n => "/data/attributes/" + RequestDocumentReader.Escape(n))
            .Concat(input.Relationships.Keys.Select(n => "/data/relationships/" + RequestDocumentReader.Escape(n))))
        {
            throw new JsonApiException(Errors.ReadOnly(name, "A membership is made from the invitation: its email, role and organization come from there."));
        }

        var membership = await service.AcceptAsync(invitation, tokenHash, cancellationToken);
        var resource = MembershipResources.Build(membership, request.Links, request.Fields);
        return new JsonApiResult(201, new Document { Data = resource, Links = new Links { Self = resource.SelfLink } }, location: resource.SelfLink);
    }

    /// <summary>What a credential in a link opens (an email address, an organization) is kept by no cache, answer or error alike.</summary>
    private void KeepOutOfCaches() => Response.Headers.CacheControl = "no-store";
}
