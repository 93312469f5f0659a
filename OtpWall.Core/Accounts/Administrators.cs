using Microsoft.EntityFrameworkCore;
using OtpWall.Core.Data;

namespace OtpWall.Core.Accounts;

/// <summary>Who holds the administrator role, and the check every administration call makes first.</summary>
internal static class Administrators
{
    public static IQueryable<string> Ids(OtpWallDbContext db) =>
        from userRole in db.UserRoles
        join role in db.Roles on userRole.RoleId equals role.Id
        where role.Name == TeamRoles.Administrator
        select userRole.UserId;

    public static async Task EnsureAsync(OtpWallDbContext db, string actingUserId, CancellationToken cancellationToken)
    {
        if (!await Ids(db).ContainsAsync(actingUserId, cancellationToken))
            throw new UnauthorizedAccessException("Only an administrator can do this.");
    }
}
