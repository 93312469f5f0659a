using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace OtpWall.Core.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the model without starting the dashboard.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<OtpWallDbContext>
{
    public OtpWallDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<OtpWallDbContext>().UseSqlite("Data Source=design-time.db").Options);
}
