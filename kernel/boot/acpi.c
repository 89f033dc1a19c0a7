// SPDX-License-Identifier: MIT
/* ACPI table discovery and the MADT reader: validate everything, skip what is bad, never crash. */
#include <kernel/acpi.h>
#include <kernel/bootinfo.h>

#define RSDP_V1_LEN		20
#define RSDP_V2_LEN		36
#define MADT_ENTRIES		44	/* header + local APIC address + flags */
#define EBDA_PTR		0x40E	/* BIOS data area: EBDA segment */
#define EBDA_SCAN_LEN		1024
#define BIOS_ROM_START		0xE0000
#define BIOS_ROM_LEN		0x20000

enum madt_type {
	MADT_LAPIC		= 0,
	MADT_IOAPIC		= 1,
	MADT_OVERRIDE		= 2,
	MADT_LAPIC_NMI		= 4,
	MADT_LAPIC_ADDR		= 5,
	MADT_X2APIC		= 9,
};

/* Little-endian reads at any alignment: firmware packs these tables tightly. */
static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)rd16(p) | (uint32_t)rd16(p + 2) << 16;
}

static uint64_t rd64(const uint8_t *p)
{
	return (uint64_t)rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static bool same_bytes(const void *a, const char *b, size_t n)
{
	const uint8_t *p = a;

	for (size_t i = 0; i < n; i++)
		if (p[i] != (uint8_t)b[i])
			return false;
	return true;
}

static void acpi_log(const struct acpi_env *env, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void acpi_log(const struct acpi_env *env, const char *fmt, ...)
{
	va_list ap;

	if (!env->log)
		return;
	va_start(ap, fmt);
	env->log(env->ctx, fmt, ap);
	va_end(ap);
}

bool acpi_checksum_ok(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint8_t sum = 0;

	for (size_t i = 0; i < len; i++)
		sum += b[i];
	return sum == 0;
}

bool acpi_rsdp_valid(const void *p, size_t avail)
{
	const uint8_t *b = p;

	if (avail < RSDP_V1_LEN || !same_bytes(b, "RSD PTR ", 8) ||
	    !acpi_checksum_ok(b, RSDP_V1_LEN))
		return false;
	if (b[15] < 2)
		return true;
	return avail >= RSDP_V2_LEN && rd32(b + 20) == RSDP_V2_LEN &&
	       acpi_checksum_ok(b, RSDP_V2_LEN);
}

/* The boot loader's RSDP copy, if there is one and it is valid. */
static const struct acpi_rsdp *rsdp_copy(bool present, const uint8_t *copy, size_t len)
{
	if (!present || !acpi_rsdp_valid(copy, len))
		return NULL;
	return (const struct acpi_rsdp *)copy;
}

/* A valid RSDP on a 16-byte boundary in [phys, phys + len), or NULL. */
static const struct acpi_rsdp *rsdp_scan(const struct acpi_env *env, uint64_t phys,
					 size_t len)
{
	const uint8_t *p = env->map(env->ctx, phys, len);

	if (!p)
		return NULL;
	for (size_t off = 0; off + RSDP_V1_LEN <= len; off += 16)
		if (acpi_rsdp_valid(p + off, len - off))
			return (const struct acpi_rsdp *)(p + off);
	return NULL;
}

const struct acpi_rsdp *acpi_find_rsdp(const struct acpi_env *env, const struct boot_rsdp *boot)
{
	const struct acpi_rsdp *r = NULL;
	const uint8_t *ebda;

	if (boot) {
		r = rsdp_copy(boot->has_v2, boot->v2, sizeof(boot->v2));
		if (!r)
			r = rsdp_copy(boot->has_v1, boot->v1, sizeof(boot->v1));
		if (r)
			return r;
	}
	ebda = env->map(env->ctx, EBDA_PTR, 2);
	if (ebda && rd16(ebda))
		r = rsdp_scan(env, (uint64_t)rd16(ebda) << 4, EBDA_SCAN_LEN);
	if (!r)
		r = rsdp_scan(env, BIOS_ROM_START, BIOS_ROM_LEN);
	return r;
}

/* Map the table at phys if its length, checksum and (if sig) signature are right. */
static const struct acpi_sdt *map_table(const struct acpi_env *env, uint64_t phys,
					const char *sig)
{
	const uint8_t *h = env->map(env->ctx, phys, sizeof(struct acpi_sdt)), *t;
	uint32_t len;

	if (!h) {
		acpi_log(env, "acpi: table at 0x%llx is not mappable", (unsigned long long)phys);
		return NULL;
	}
	if (sig && !same_bytes(h, sig, 4))
		return NULL;
	len = rd32(h + 4);
	if (len < sizeof(struct acpi_sdt) || len > ACPI_TABLE_MAX) {
		acpi_log(env, "acpi: table %.4s at 0x%llx has bad length %u", (const char *)h,
			 (unsigned long long)phys, len);
		return NULL;
	}
	t = env->map(env->ctx, phys, len);
	if (!t || !acpi_checksum_ok(t, len)) {
		acpi_log(env, "acpi: table %.4s at 0x%llx: %s", (const char *)h,
			 (unsigned long long)phys, t ? "bad checksum" : "not mappable");
		return NULL;
	}
	return (const struct acpi_sdt *)t;
}

/* Walk a root table of `width`-byte pointers for sig. */
static const struct acpi_sdt *search_root(const struct acpi_env *env,
					  const struct acpi_sdt *root, size_t width,
					  const char *sig)
{
	const uint8_t *entries = (const uint8_t *)(root + 1);
	size_t n = (root->length - sizeof(*root)) / width;

	for (size_t i = 0; i < n; i++) {
		const uint8_t *e = entries + i * width;
		uint64_t phys = width == 8 ? rd64(e) : rd32(e);
		const uint8_t *h = env->map(env->ctx, phys, 4);

		if (!h) {
			acpi_log(env, "acpi: %.4s entry %zu, table at 0x%llx, is not mappable: skipped",
				 root->signature, i, (unsigned long long)phys);
			continue;
		}
		if (same_bytes(h, sig, 4)) {
			const struct acpi_sdt *t = map_table(env, phys, sig);
			if (t)
				return t;
		}
	}
	return NULL;
}

const struct acpi_sdt *acpi_find_table(const struct acpi_env *env,
				       const struct acpi_rsdp *rsdp, const char *sig)
{
	const uint8_t *r = (const uint8_t *)rsdp;
	const struct acpi_sdt *root;

	if (r[15] >= 2 && rd64(r + 24)) {
		root = map_table(env, rd64(r + 24), "XSDT");
		if (root)
			return search_root(env, root, 8, sig);
		acpi_log(env, "acpi: XSDT unusable, trying the RSDT");
	}
	root = map_table(env, rd32(r + 16), "RSDT");
	if (!root) {
		acpi_log(env, "acpi: no usable RSDT");
		return NULL;
	}
	return search_root(env, root, 4, sig);
}

static bool have_apic_id(const struct madt_info *m, uint32_t id)
{
	for (unsigned int i = 0; i < m->ncpus; i++)
		if (m->cpus[i].apic_id == id)
			return true;
	return false;
}

static void add_cpu(const struct acpi_env *env, struct madt_info *m, uint32_t apic_id,
		    uint32_t uid, uint32_t flags, bool x2apic)
{
	if (!(flags & (MADT_ENABLED | MADT_ONLINE_CAPABLE)))
		return;		/* firmware says: never start it */
	if ((!x2apic && apic_id == 0xFF) || (x2apic && apic_id == 0xFFFFFFFF)) {
		acpi_log(env, "acpi: MADT: CPU uid %u has the broadcast APIC ID", uid);
		m->skipped++;
		return;
	}
	if (have_apic_id(m, apic_id)) {
		acpi_log(env, "acpi: MADT: duplicate APIC ID %u (uid %u) skipped", apic_id, uid);
		m->skipped++;
		return;
	}
	if (m->ncpus == MADT_MAX_CPUS) {
		acpi_log(env, "acpi: MADT: more than %d CPUs; APIC ID %u ignored",
			 MADT_MAX_CPUS, apic_id);
		m->skipped++;
		return;
	}
	m->cpus[m->ncpus++] = (struct madt_cpu){ apic_id, uid, flags, x2apic };
	if (flags & MADT_ENABLED)
		m->nenabled++;
}

static void add_ioapic(const struct acpi_env *env, struct madt_info *m, const uint8_t *e)
{
	if (m->nioapics == MADT_MAX_IOAPICS) {
		acpi_log(env, "acpi: MADT: too many I/O APICs");
		m->skipped++;
		return;
	}
	m->ioapics[m->nioapics++] = (struct madt_ioapic){ e[2], rd32(e + 4), rd32(e + 8) };
}

static void add_override(const struct acpi_env *env, struct madt_info *m, const uint8_t *e)
{
	if (m->noverrides == MADT_MAX_OVERRIDES) {
		acpi_log(env, "acpi: MADT: too many interrupt source overrides");
		m->skipped++;
		return;
	}
	m->overrides[m->noverrides++] = (struct madt_override){
		e[2], e[3], rd32(e + 4), rd16(e + 8) };
}

static void add_nmi(const struct acpi_env *env, struct madt_info *m, const uint8_t *e)
{
	if (m->nnmis == MADT_MAX_NMIS) {
		acpi_log(env, "acpi: MADT: too many LAPIC NMI entries");
		m->skipped++;
		return;
	}
	m->nmis[m->nnmis++] = (struct madt_nmi){ e[2], rd16(e + 3), e[5] };
}

/* The smallest length each known entry type must have. */
static unsigned int entry_min_len(uint8_t type)
{
	switch (type) {
	case MADT_LAPIC:	return 8;
	case MADT_IOAPIC:	return 12;
	case MADT_OVERRIDE:	return 10;
	case MADT_LAPIC_NMI:	return 6;
	case MADT_LAPIC_ADDR:	return 12;
	case MADT_X2APIC:	return 16;
	default:		return 2;
	}
}

static void parse_entry(const struct acpi_env *env, struct madt_info *m, const uint8_t *e)
{
	if (e[1] < entry_min_len(e[0])) {
		acpi_log(env, "acpi: MADT: type %u entry too short (%u bytes)", e[0], e[1]);
		m->skipped++;
		return;
	}
	switch (e[0]) {
	case MADT_LAPIC:
		add_cpu(env, m, e[3], e[2], rd32(e + 4), false);
		break;
	case MADT_X2APIC:
		add_cpu(env, m, rd32(e + 4), rd32(e + 12), rd32(e + 8), true);
		break;
	case MADT_IOAPIC:
		add_ioapic(env, m, e);
		break;
	case MADT_OVERRIDE:
		add_override(env, m, e);
		break;
	case MADT_LAPIC_NMI:
		add_nmi(env, m, e);
		break;
	case MADT_LAPIC_ADDR:
		m->lapic_addr = rd64(e + 4);
		break;
	default:
		break;		/* types SMP has no use for */
	}
}

int acpi_parse_madt(const struct acpi_env *env, const struct acpi_sdt *madt,
		    struct madt_info *out)
{
	const uint8_t *t = (const uint8_t *)madt;
	uint32_t len = madt->length;

	*out = (struct madt_info){ 0 };
	if (len < MADT_ENTRIES) {
		acpi_log(env, "acpi: MADT too short (%u bytes)", len);
		return -EINVAL;
	}
	out->lapic_addr = rd32(t + 36);
	out->flags = rd32(t + 40);
	for (uint32_t off = MADT_ENTRIES; off < len; off += t[off + 1]) {
		if (len - off < 2 || t[off + 1] < 2 || t[off + 1] > len - off) {
			acpi_log(env, "acpi: MADT: bad entry at offset %u, ignoring the rest", off);
			out->skipped++;
			break;
		}
		parse_entry(env, out, t + off);
	}
	return 0;
}

int acpi_read_madt(const struct acpi_env *env, const struct boot_rsdp *boot,
		   struct madt_info *out)
{
	const struct acpi_rsdp *rsdp = acpi_find_rsdp(env, boot);
	const struct acpi_sdt *madt;

	if (!rsdp) {
		acpi_log(env, "acpi: no RSDP");
		return -ENOENT;
	}
	madt = acpi_find_table(env, rsdp, "APIC");
	if (!madt) {
		acpi_log(env, "acpi: no valid MADT");
		return -ENOENT;
	}
	return acpi_parse_madt(env, madt, out);
}
