using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using OtpWall.Core.Accounts;

namespace OtpWall.Dashboard.Components.Account;

internal static class IdentityComponentsEndpointRouteBuilderExtensions
{
    /// <summary>The sign-out post the account menu submits (with its antiforgery token).</summary>
    public static IEndpointConventionBuilder MapAdditionalIdentityEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var accountGroup = endpoints.MapGroup("/Account");
        accountGroup.MapPost("/Logout", async (HttpContext context, [FromServices] SignInManager<ApplicationUser> signInManager) =>
        {
            // A post without a valid token (forged, or a form left open too long) is refused before its form is read
            // (reading it would throw: a 500).
            if (context.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false })
                return Results.Text("This sign-out form has expired. Reload the page and sign out again.", "text/plain", statusCode: StatusCodes.Status400BadRequest);
            var returnUrl = (await context.Request.ReadFormAsync(context.RequestAborted))["ReturnUrl"].ToString();
            await signInManager.SignOutAsync();
            // The form sends the page's address relative to the site ("wallet"); anything that would leave it leads home.
            return Results.LocalRedirect(LocalUrl.IsLocal($"~/{returnUrl}") ? $"~/{returnUrl}" : "~/");
        }).WithMetadata(new RequireAntiforgeryTokenAttribute());
        return accountGroup;
    }
}
